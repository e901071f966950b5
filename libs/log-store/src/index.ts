import { x } from '@tributary/kafka-protocol'; export const y = x;
