/**
 * IAM user names (as in Huawei Cloud IAM): 1-32 letters, digits, spaces, `-`, `_` and `.`,
 * not starting with a digit nor starting or ending with a space.
 */
export const USER_NAME_PATTERN = /^(?=.{1,32}$)[A-Za-z_.-](?:[A-Za-z0-9 ._-]*[A-Za-z0-9._-])?$/;

export const USER_NAME_MESSAGE =
  'name must be 1-32 letters, digits, spaces, -, _ or ., not starting with a digit or a space';
