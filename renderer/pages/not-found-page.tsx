// The page for an address Cairn does not know.
import { routeHref } from '../models/routes';

/** Says the address leads nowhere and offers the way home. */
export function NotFoundPage({ path }: { path: string }) {
  return (
    <div className="page">
      <div className="empty-state" data-testid="not-found">
        <h2>Nothing lives at this address</h2>
        <p>
          <code>#{path}</code> is not a page of Cairn.
        </p>
        <a className="button" href={routeHref({ name: 'experiments' })}>
          Go to the experiments
        </a>
      </div>
    </div>
  );
}
