declare module 'swagger-ui-dist' {
  /** The directory holding Swagger UI's built assets. */
  export function absolutePath(): string;
}
