import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { type GroupEntity } from '../../store/groups/group.entity.js';

export const GROUP_NAME_PATTERN = /^[A-Za-z0-9_.-](?:[A-Za-z0-9 _.-]*[A-Za-z0-9_.-])?$/;

export class CreateGroupRequest {
  @ApiProperty({ description: '1-64 letters, digits, spaces, -, _ or .', example: 'developers' })
  @IsString()
  @Length(1, 64)
  @Matches(GROUP_NAME_PATTERN, { message: 'name must be letters, digits, spaces, -, _ or .' })
  name!: string;

  @ApiPropertyOptional({ maxLength: 255 })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  description?: string;
}

export class GroupResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty()
  description!: string;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  static from(group: GroupEntity): GroupResponse {
    return {
      id: group.id,
      name: group.name,
      description: group.description,
      created_at: group.createdAt.toISOString(),
    };
  }
}

export class GroupListResponse {
  @ApiProperty({ type: [GroupResponse] })
  groups!: GroupResponse[];
}

export class GroupMemberResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;
}

export class GroupMembersResponse {
  @ApiProperty({ type: [GroupMemberResponse] })
  users!: GroupMemberResponse[];
}
