// Who Cairn signs in to Entra ID as for the Azure ML target, through the Azure SDK's own
// credentials (@azure/identity, which uses MSAL):
// - an app registration (ClientSecretCredential) when a client secret is at hand (the keychain,
//   else AZURE_CLIENT_SECRET): it then needs the tenant and the client ID (settings tenant_id and
//   client_id, else AZURE_TENANT_ID and AZURE_CLIENT_ID);
// - otherwise DefaultAzureCredential: the environment (a client certificate), workload or managed
//   identity, an Azure CLI / Azure Developer CLI / Azure PowerShell login.
// The SDK's HTTPS client makes its own agents, so the certificates Node's global HTTPS agent trusts
// (as Cairn's ARM client does) are handed to it, and an authority host other than Entra ID's clouds
// is signed in to without Microsoft's instance discovery (as Azure Stack and ADFS are).
import https from 'node:https';
import { ClientSecretCredential, DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { CairnError } from '../../../../../shared/errors';

/** Entra ID of the public cloud, where the SDK signs in by default. */
export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';
/** Entra ID's hosts MSAL knows (public, US Government, China): instance discovery stays on for them. */
const ENTRA_HOSTS = new Set(['login.microsoftonline.com', 'login.microsoftonline.us', 'login.chinacloudapi.cn', 'login.windows.net', 'login.microsoft.com', 'sts.windows.net']);

/** The credential chosen and what to tell a person about it. */
export interface AzureSignIn {
  readonly credential: TokenCredential;
  /** 'the app registration <client id>' or 'DefaultAzureCredential (…)', for messages. */
  readonly who: string;
  /** Whether a client secret is used (its advice differs from a login's). */
  readonly withSecret: boolean;
}

/** What the settings, the keychain and the environment give. */
export interface AzureSignInInputs {
  readonly tenantId: string;
  readonly clientId: string;
  /** The client secret from the keychain or AZURE_CLIENT_SECRET; '' when neither has one. */
  readonly clientSecret: string;
  readonly authorityHost: string;
}

/** Picks ClientSecretCredential or DefaultAzureCredential (see the file's comment); a CairnError naming the missing value when a secret has no tenant or client ID. */
export function azureSignIn(inputs: AzureSignInInputs): AzureSignIn {
  const trusted = https.globalAgent.options.ca;
  const common = {
    authorityHost: inputs.authorityHost,
    disableInstanceDiscovery: !ENTRA_HOSTS.has(new URL(inputs.authorityHost).hostname),
    tlsOptions: trusted ? { ca: trusted } : undefined,
  };
  if (inputs.clientSecret) {
    const missing = [!inputs.tenantId && 'tenant_id (or AZURE_TENANT_ID): the directory ID of the app registration\'s tenant', !inputs.clientId && 'client_id (or AZURE_CLIENT_ID): the application (client) ID'].filter(Boolean);
    if (missing.length > 0) {
      throw new CairnError('UNAUTHENTICATED', `Azure ML: a client secret is set (the keychain or AZURE_CLIENT_SECRET) but Cairn cannot use it without ${missing.join(', and ')}. Set it, or remove the secret to sign in as your Azure CLI login.`);
    }
    return {
      credential: new ClientSecretCredential(inputs.tenantId, inputs.clientId, inputs.clientSecret, common),
      who: `the app registration ${inputs.clientId}`,
      withSecret: true,
    };
  }
  return {
    credential: new DefaultAzureCredential({ ...common, tenantId: inputs.tenantId || undefined }),
    who: 'DefaultAzureCredential (environment, workload or managed identity, Azure CLI login)',
    withSecret: false,
  };
}
