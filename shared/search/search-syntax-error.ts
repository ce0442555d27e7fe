// The error every malformed filter or order_by clause becomes: MLflow's INVALID_PARAMETER_VALUE,
// plus where the problem is (CairnError.searchText), which crosses IPC and HTTP with the error so
// that a filter bar can point at it.
import { CairnError, type SearchTextProblem } from '../errors';

/** A filter or order_by clause that does not follow the search grammar. */
export class SearchSyntaxError extends CairnError {
  declare readonly searchText: SearchTextProblem;

  constructor(detail: string, position: number, text: SearchTextProblem['text'] = 'filter') {
    super('INVALID_PARAMETER_VALUE', `${detail} at position ${position}`, { text, position, problem: detail });
    this.name = 'SearchSyntaxError';
  }

  /** 0-based index into the text where the problem was found (its length when the text ended too early). */
  get position(): number {
    return this.searchText.position;
  }

  /** The problem without its position, for a UI that shows the position its own way. */
  get detail(): string {
    return this.searchText.problem;
  }
}
