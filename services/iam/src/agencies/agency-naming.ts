import { randomInt } from 'node:crypto';

/** Injection token of the source of the 4-digit suffixes of taken agency names. */
export const AGENCY_NAME_SUFFIX = Symbol('AGENCY_NAME_SUFFIX');
export type AgencyNameSuffix = () => string;

export const randomAgencyNameSuffix: AgencyNameSuffix = () =>
  randomInt(0, 10_000).toString().padStart(4, '0');

/**
 * The name ModelArts gives a new agency (seed 002 Table 2-2): `ma_agency_<IAM user name>`
 * when authorizing an IAM user, `modelarts_agency` otherwise.
 */
export function defaultAgencyName(target: { userType: string; userName: string | null }): string {
  return target.userType === 'iam_user' && target.userName
    ? `ma_agency_${target.userName}`
    : 'modelarts_agency';
}

/** The candidates, in order: the name itself, then the name with random 4-digit suffixes. */
export function* agencyNameCandidates(
  base: string,
  suffix: AgencyNameSuffix,
  attempts = 20,
): Generator<string> {
  yield base;
  for (let i = 0; i < attempts; i++) yield `${base}_${suffix()}`;
}
