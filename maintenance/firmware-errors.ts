/** A firmware upload's or campaign's description; a wrong field is named. */
export class FirmwareInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}
