const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether an ID argument can name a row at all: anything else reads as not found, never as a database error. */
export const isUuid = (value: string) => uuidPattern.test(value);
