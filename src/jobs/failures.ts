// Job failures that retrying cannot fix. Worker shells turn these into BullMQ's UnrecoverableError.
export class PermanentJobFailure extends Error {}
