/** An agency's validity period: "unlimited", or 1-9999 days ("30d") or hours ("12h"). */
export const VALIDITY_PERIOD_PATTERN = /^(unlimited|[1-9]\d{0,3}[dh])$/;

const HOUR_MS = 3_600_000;

/** When an agency with this period, starting at `from`, stops being valid (null: never). */
export function expiryOf(period: string, from: Date): Date | null {
  if (period === 'unlimited') return null;
  const match = /^(\d+)([dh])$/.exec(period);
  if (!match) throw new Error(`invalid validity period ${period}`);
  const hours = Number(match[1]) * (match[2] === 'd' ? 24 : 1);
  return new Date(from.getTime() + hours * HOUR_MS);
}

export function isExpired(agency: { expiresAt: Date | null }, now = new Date()): boolean {
  return agency.expiresAt !== null && agency.expiresAt.getTime() <= now.getTime();
}
