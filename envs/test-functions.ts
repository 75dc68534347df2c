/**
 * The two-dimensional test functions of the multi-objective GFlowNet literature (MOGFN-PC's
 * HyperGrid, Jain et al., ICML 2023), each turned into a reward in (0, 1] on the unit square
 * u ∈ [0, 1]², where a HyperGrid cell s lies at u_j = s_j / (H − 1). The normalising constants are
 * round numbers just past each function's range on the square, so every reward is positive (its
 * log finite) and at most 1. docs/conditional.md gives each formula.
 */

/** The names of the test functions, in the order the docs list them. */
export const TEST_FUNCTIONS = ['branin', 'currin', 'shubert'] as const;
export type TestFunction = (typeof TEST_FUNCTIONS)[number];

/**
 * Branin on [−5, 10] x [0, 15] (x1 = 15·u1 − 5, x2 = 15·u2), a function to minimise with values in
 * [0.3979, 308.13] there: R = 1 − branin(x)/310.
 */
export function braninReward(u1: number, u2: number): number {
  const x1 = 15 * u1 - 5;
  const x2 = 15 * u2;
  const f = (x2 - (5.1 / (4 * Math.PI ** 2)) * x1 * x1 + (5 / Math.PI) * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
  return 1 - f / 310;
}

/**
 * Currin's exponential function on the unit square, to maximise, with values in [1.18, 13.80]:
 * R = currin(u)/14. At u2 = 0 its factor 1 − exp(−1/(2·u2)) is its limit, 1.
 */
export function currinReward(u1: number, u2: number): number {
  const factor = u2 === 0 ? 1 : 1 - Math.exp(-1 / (2 * u2));
  const ratio = (2300 * u1 ** 3 + 1900 * u1 ** 2 + 2092 * u1 + 60) / (100 * u1 ** 3 + 500 * u1 ** 2 + 4 * u1 + 20);
  return (factor * ratio) / 14;
}

/**
 * Shubert's function on [−10, 10]² (x_j = 20·u_j − 10), Π_j Σ_{i=1..5} i·cos((i + 1)·x_j + i), a
 * function to minimise with values in [−186.73, 210.48] there: R = (211 − shubert(x))/400.
 */
export function shubertReward(u1: number, u2: number): number {
  const sum = (x: number): number => {
    let s = 0;
    for (let i = 1; i <= 5; i++) s += i * Math.cos((i + 1) * x + i);
    return s;
  };
  return (211 - sum(20 * u1 - 10) * sum(20 * u2 - 10)) / 400;
}

/** The reward of each test function. */
export const TEST_FUNCTION_REWARDS: Readonly<Record<TestFunction, (u1: number, u2: number) => number>> = {
  branin: braninReward,
  currin: currinReward,
  shubert: shubertReward,
};
