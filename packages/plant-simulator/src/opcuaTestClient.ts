import {
  ClientSession,
  MessageSecurityMode,
  OPCUAClient,
  SecurityPolicy,
} from 'node-opcua-client';

export interface TestClient {
  client: OPCUAClient;
  session: ClientSession;
  close(): Promise<void>;
}

/** Connects a real node-opcua client and opens a session (tests only). */
export async function connectClient(
  url: string,
  options: {
    securityMode?: MessageSecurityMode;
    securityPolicy?: SecurityPolicy;
    maxRetry?: number;
  } = {},
): Promise<TestClient> {
  const client = OPCUAClient.create({
    endpointMustExist: false,
    securityMode: options.securityMode ?? MessageSecurityMode.None,
    securityPolicy: options.securityPolicy ?? SecurityPolicy.None,
    connectionStrategy: {
      maxRetry: options.maxRetry ?? 2,
      initialDelay: 100,
      maxDelay: 500,
    },
    requestedSessionTimeout: 60_000,
  });
  await client.connect(url);
  try {
    const session = await client.createSession();
    return {
      client,
      session,
      close: async () => {
        await session.close().catch(() => undefined);
        await client.disconnect();
      },
    };
  } catch (e) {
    await client.disconnect();
    throw e;
  }
}
