import { Body, Controller, Get, Module, Param, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  ApiProperty,
  ApiPropertyOptional,
  type OpenAPIObject,
  type ParameterObject,
  type SchemaObject,
} from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupOpenApi } from '../setup-app.js';
import { installRequestHygiene } from '../edge/request-hygiene.js';
import { completeEdgeContract, pathTemplateNames } from './edge-contract.js';

class NoteRequest {
  @ApiProperty({ type: String })
  @IsString()
  @Length(1, 50)
  @Matches(/^[a-z ]+$/)
  text!: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @ArrayMaxSize(5)
  @IsString({ each: true })
  @MaxLength(20, { each: true })
  tags?: string[];

  // Conditional: no unconditional limit to state.
  @ApiPropertyOptional({ type: String })
  @ValidateIf((note: NoteRequest) => note.tags !== undefined)
  @MaxLength(3)
  mood?: string;

  // The decorator's own wording wins.
  @ApiPropertyOptional({ type: 'integer', maximum: 10 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(99)
  stars?: number;
}

// project_id is read outside @Param, as IamGuard and the services' Ctx decorator read it.
@Controller('v1/:project_id/notes')
class NotesController {
  @Get(':note_id')
  one(@Param('note_id') id: string) {
    return { id };
  }

  @Post()
  create(@Body() body: NoteRequest) {
    return body;
  }
}

@Module({ controllers: [NotesController] })
class NotesModule {}

describe('the OpenAPI contract and its UI', () => {
  let app: NestFastifyApplication;
  let url: string;

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(NotesModule, new FastifyAdapter(), {
      logger: false,
    });
    installRequestHygiene(app);
    setupOpenApi(app, { title: 'Notes <API>', description: 'Notes.', apiKeyHeaders: [] });
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });

  afterAll(async () => {
    await app.close();
  });

  async function document(): Promise<OpenAPIObject> {
    return (await (await fetch(`${url}/openapi.json`)).json()) as OpenAPIObject;
  }

  it('declares every path template parameter, those read outside @Param too', async () => {
    const { paths } = await document();
    const get = paths['/v1/{project_id}/notes/{note_id}'].get!;
    const names = (get.parameters as ParameterObject[]).map((p) => `${p.in}:${p.name}`);
    expect(names).toEqual(['path:project_id', 'path:note_id']);
    const post = paths['/v1/{project_id}/notes'].post!;
    expect(post.parameters).toEqual([
      expect.objectContaining({ name: 'project_id', in: 'path', required: true }),
    ]);
  });

  it("lists the edge's statuses with our error body on every operation", async () => {
    const { paths, components } = await document();
    const get = paths['/v1/{project_id}/notes/{note_id}'].get!;
    const post = paths['/v1/{project_id}/notes'].post!;
    expect(Object.keys(get.responses)).toEqual(expect.arrayContaining(['400', '414', '431']));
    expect(Object.keys(get.responses)).not.toContain('415');
    expect(Object.keys(post.responses)).toEqual(
      expect.arrayContaining(['400', '413', '414', '415', '431']),
    );
    expect(post.responses['415']).toMatchObject({
      content: {
        'application/json': { schema: { $ref: '#/components/schemas/ErrorBodyDto' } },
      },
    });
    expect(components?.schemas?.ErrorBodyDto).toMatchObject({
      required: ['error_code', 'error_msg', 'request_id'],
    });
  });

  it('states the limits the request validators enforce', async () => {
    const { components } = await document();
    const note = components!.schemas!.NoteRequest as SchemaObject;
    expect(note.properties).toEqual({
      text: { type: 'string', minLength: 1, maxLength: 50, pattern: '^[a-z ]+$' },
      tags: { type: 'array', items: { type: 'string', maxLength: 20 }, maxItems: 5 },
      mood: { type: 'string' },
      stars: { type: 'integer', minimum: 0, maximum: 10 },
    });
  });

  it("keeps a route's own wording of a status", () => {
    const own = { description: 'A field is invalid' };
    const done = completeEdgeContract({
      openapi: '3.0.0',
      info: { title: 't', version: '1' },
      paths: { '/x': { post: { responses: { '400': own } } } },
    });
    expect(done.paths['/x'].post!.responses['400']).toBe(own);
    expect(pathTemplateNames('/v1/{a}/b/{c}')).toEqual(['a', 'c']);
  });

  it('serves the UI and its assets itself, naming no other host', async () => {
    const page = await fetch(`${url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('<title>Notes &#60;API&#62;</title>');
    expect(html).not.toMatch(/https?:\/\//);
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources).toEqual(
      expect.arrayContaining(['/docs/swagger-ui-bundle.js', '/docs/init.js']),
    );
    for (const source of sources) {
      const asset = await fetch(`${url}${source}`);
      expect(asset.status, source).toBe(200);
      expect((await asset.arrayBuffer()).byteLength, source).toBeGreaterThan(0);
    }
    const init = await (await fetch(`${url}/docs/init.js`)).text();
    expect(init).toContain('"url":"/openapi.json"');
    expect(init).toContain('"validatorUrl":null');
  });
});
