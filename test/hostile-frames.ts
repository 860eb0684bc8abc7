/** Frames a hostile charger sends, shared by the frame, gateway and fuzz tests. */

/** A CALL whose payload nests `levels` objects, the innermost holding a NUL (the frame that once killed the process). */
export const deepCall = (id: string, levels: number) => `[2,"${id}","Heartbeat",${'{"a":'.repeat(levels)}"\\u0000"${'}'.repeat(levels)}]`;
