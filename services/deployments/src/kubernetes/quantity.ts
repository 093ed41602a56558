const SUFFIXES: Readonly<Record<string, number>> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY = /^([+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

/**
 * A Kubernetes resource quantity ("8", "500m", "1Ki", "1e3") as a number; NaN when it is
 * not one. Extended resources such as NPUs are whole numbers, but nodes and pods may spell
 * them any legal way.
 */
export function parseQuantity(value: string | undefined): number {
  if (value === undefined) return 0;
  const match = QUANTITY.exec(value.trim());
  if (!match) return Number.NaN;
  return Number(match[1]) * SUFFIXES[match[2] ?? ''];
}
