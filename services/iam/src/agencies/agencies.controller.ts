import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  UseGuards,
} from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Actions, Ctx, Guarded, IamGuard, type RequestContext } from '@maas/auth';
import { ErrorBodyDto } from '@maas/errors';
import {
  AgencyListResponse,
  AgencyResponse,
  CreateAgencyRequest,
  UpdateAgencyRequest,
} from './dto/agency.dto.js';
import { CreateAgency } from './usecases/create-agency.js';
import { DeleteAgency } from './usecases/delete-agency.js';
import { GetAgency } from './usecases/get-agency.js';
import { UpdateAgency } from './usecases/update-agency.js';

const NotFound = ApiNotFoundResponse({
  type: ErrorBodyDto,
  description: 'No such agency in the account',
});

/** Agencies of type cloud service, trusting ModelArts (the account's quota: 50 unless the operator set another). */
@ApiTags('agencies')
@UseGuards(IamGuard)
@Controller('v3/agencies')
export class AgenciesController {
  constructor(
    private readonly createAgency: CreateAgency,
    private readonly getAgency: GetAgency,
    private readonly updateAgency: UpdateAgency,
    private readonly deleteAgency: DeleteAgency,
  ) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @Guarded(
    Actions.agenciesCreate,
    'Create an agency (cloud service ModelArts)',
    "At most the account's agency quota (50 unless the platform operator set another through the quotas service).",
  )
  @ApiCreatedResponse({ type: AgencyResponse })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'Name taken (IAM.0502)' })
  @ApiForbiddenResponse({
    type: ErrorBodyDto,
    description: "The account's agency quota reached (IAM.0503)",
  })
  async create(
    @Ctx() ctx: RequestContext,
    @Body() body: CreateAgencyRequest,
  ): Promise<AgencyResponse> {
    const agency = await this.createAgency.execute(ctx, body);
    return AgencyResponse.from(agency, (await this.getAgency.execute(ctx, agency.id)).policies);
  }

  @Get()
  @Guarded(Actions.agenciesList, "List the account's agencies")
  @ApiOkResponse({ type: AgencyListResponse })
  async list(@Ctx() ctx: RequestContext): Promise<AgencyListResponse> {
    return { agencies: (await this.getAgency.list(ctx)).map((a) => AgencyResponse.from(a)) };
  }

  @Get(':agency_id')
  @Guarded(Actions.agenciesGet, 'Show an agency with its policies')
  @ApiOkResponse({ type: AgencyResponse })
  @NotFound
  async show(@Ctx() ctx: RequestContext, @Param('agency_id') id: string): Promise<AgencyResponse> {
    const { agency, policies } = await this.getAgency.execute(ctx, id);
    return AgencyResponse.from(agency, policies);
  }

  @Patch(':agency_id')
  @Guarded(Actions.agenciesUpdate, "Change an agency's description or validity period")
  @ApiOkResponse({ type: AgencyResponse })
  @NotFound
  async update(
    @Ctx() ctx: RequestContext,
    @Param('agency_id') id: string,
    @Body() body: UpdateAgencyRequest,
  ): Promise<AgencyResponse> {
    return AgencyResponse.from(await this.updateAgency.execute(ctx, id, body));
  }

  @Delete(':agency_id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Guarded(Actions.agenciesDelete, 'Delete an agency no authorization uses')
  @ApiNoContentResponse()
  @NotFound
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'Used by authorizations (IAM.0504)' })
  async remove(@Ctx() ctx: RequestContext, @Param('agency_id') id: string): Promise<void> {
    await this.deleteAgency.execute(ctx, id);
  }
}
