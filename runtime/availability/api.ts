/** The availability service as steps and the HTTP API see it (implemented in this folder). */
export interface Availability {
  readonly name: 'availability';
}
