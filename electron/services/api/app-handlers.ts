// The handlers of the app capability's calls (shared/contract/app.ts).
import type { AppCallName, AppInfo } from '../../../shared/contract';
import type { CallHandlerTable } from './call-handler-table';

/** What the app capability's handlers need. */
export interface AppHandlerServices {
  readonly appInfo: () => AppInfo;
}

/** The handlers of the app capability. */
export function createAppHandlers(services: AppHandlerServices): CallHandlerTable<AppCallName> {
  return {
    getAppInfo: async () => services.appInfo(),
  };
}
