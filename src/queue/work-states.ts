/** The BullMQ states a job can be inspected in (without BullMQ, for the CLI's choices). */
export const workStates = ["waiting", "active", "delayed", "failed"] as const;
export type WorkState = (typeof workStates)[number];
