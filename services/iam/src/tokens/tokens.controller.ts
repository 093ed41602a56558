import { Body, Controller, Get, Header, HttpCode, HttpStatus, Post, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { type FastifyReply } from 'fastify';
import { Public, TokenSigner } from '@maas/auth';
import { ErrorBodyDto } from '@maas/errors';
import { JwksResponse, TokenResponse } from './dto/token.response.js';
import { TokenRequest } from './dto/token.request.js';
import { type IssuedToken, IssueToken } from './usecases/issue-token.js';

export const SUBJECT_TOKEN_HEADER = 'X-Subject-Token';

@ApiTags('tokens')
@Controller('v3/auth')
export class TokensController {
  constructor(
    private readonly issueToken: IssueToken,
    private readonly signer: TokenSigner,
  ) {}

  @Post('tokens')
  @Public()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Obtain a token',
    description:
      'With a password (user name, password, account name) or an access key pair ' +
      '(methods ["hw_ak_sk"]). The token is returned in the X-Subject-Token header; send it ' +
      'as X-Auth-Token to every admin API. Optionally scoped to one project (region).',
  })
  @ApiCreatedResponse({
    type: TokenResponse,
    headers: { [SUBJECT_TOKEN_HEADER]: { description: 'The signed token (a JWT, EdDSA)' } },
  })
  @ApiBadRequestResponse({
    type: ErrorBodyDto,
    description: 'Invalid body; the body names the field',
  })
  @ApiUnauthorizedResponse({ type: ErrorBodyDto, description: 'Wrong credentials or scope' })
  async create(
    @Body() body: TokenRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenResponse> {
    const issued = await this.issueToken.execute(body);
    void reply.header(SUBJECT_TOKEN_HEADER, issued.token);
    void reply.header('cache-control', 'no-store');
    return toResponse(issued);
  }

  @Get('jwks')
  @Public()
  @Header('cache-control', 'public, max-age=300')
  @ApiOperation({
    summary: 'Public keys that verify tokens (JWKS)',
    description:
      'Services verify tokens locally with these keys (cache them; refetch on an unknown kid).',
  })
  @ApiOkResponse({ type: JwksResponse })
  jwks(): JwksResponse {
    return this.signer.jwks();
  }
}

function toResponse(issued: IssuedToken): TokenResponse {
  const domain = { id: issued.account.id, name: issued.account.name };
  return {
    token: {
      expires_at: issued.expiresAt.toISOString(),
      issued_at: issued.issuedAt.toISOString(),
      methods: [issued.method],
      user: { id: issued.user.id, name: issued.user.name, domain },
      ...(issued.project
        ? { project: { id: issued.project.id, name: issued.project.name, domain } }
        : { domain }),
    },
  };
}
