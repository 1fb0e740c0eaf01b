export function matchWakeups<A, B>(
  as: A[],
  bs: B[],
  how: {
    tidA: (x: A) => number;
    tsA: (x: A) => number;
    tidB: (x: B) => number;
    tsB: (x: B) => number;
    toleranceNs: number;
  },
): { pairs: [A, B][]; onlyA: A[]; onlyB: B[]; offsetNs: number };
