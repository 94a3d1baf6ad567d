/** Digits kept when scaling a threshold for text, so 0.07 reads "7%", not "7.000000000000001%". */
const SIGNIFICANT_DIGITS = 12;
const round = (value: number) => Number(value.toPrecision(SIGNIFICANT_DIGITS));

/** A ratio as titles and descriptions say it: 0.05 → "5%". */
export const percent = (ratio: number) => `${round(ratio * 100)}%`;

/** Seconds as milliseconds: 0.1 → "100 ms". */
export const milliseconds = (seconds: number) => `${round(seconds * 1000)} ms`;
