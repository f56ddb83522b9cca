export { Ledger, type RunRow, type RequestKind } from './ledger.js';
