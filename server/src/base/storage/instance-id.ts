/** This process's id in the update log and on the awareness bus. */
export const INSTANCE_ID = Symbol('INSTANCE_ID');
