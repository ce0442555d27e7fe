// The error every malformed filter or order_by clause becomes: MLflow's INVALID_PARAMETER_VALUE,
// plus the 0-based character position of the problem so a filter bar can point at it.
import { CairnError } from '../errors';

/** A filter or order_by clause that does not follow the search grammar. */
export class SearchSyntaxError extends CairnError {
  /** 0-based index into the text where the problem was found (its length when the text ended too early). */
  readonly position: number;
  /** The problem without its position, for a UI that shows the position its own way. */
  readonly detail: string;

  constructor(detail: string, position: number) {
    super('INVALID_PARAMETER_VALUE', `${detail} at position ${position}`);
    this.name = 'SearchSyntaxError';
    this.position = position;
    this.detail = detail;
  }
}
