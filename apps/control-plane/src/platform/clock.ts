/** The API's clock (milliseconds since the epoch), injectable so time-window logic is testable. */
export type Clock = () => number;
export const systemClock: Clock = () => Date.now();
