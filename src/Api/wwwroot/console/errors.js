// A refused or failed call, in words a person can act on: the API's error body, or why the service could not be reached.
export class ApiError extends Error {
  constructor(status, errors) {
    super(errors.map((e) => e.detail || e.title).filter(Boolean).join(" ") || `The service answered ${status}.`);
    this.status = status;
    this.errors = errors;
  }
}
