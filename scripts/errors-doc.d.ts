/** The whole text of docs/errors.md. */
export declare function renderErrorsDoc(): string;
