import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One span as OTLP/JSON carries it (ids in hex). */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** OTLP's SpanKind: 2 server, 3 client. */
  kind: number;
  attributes: { key: string; value: Record<string, unknown> }[];
}

export const SPAN_KIND_SERVER = 2;
export const SPAN_KIND_CLIENT = 3;

interface ExportRequest {
  resourceSpans?: {
    resource?: { attributes?: ReceivedSpan['attributes'] };
    scopeSpans?: { spans?: ReceivedSpan[] }[];
  }[];
}

export interface OtlpReceiver {
  /** What to set OTEL_EXPORTER_OTLP_ENDPOINT to. */
  url: string;
  spans(): ReceivedSpan[];
  /** `service.name` of every export received. */
  serviceNames(): string[];
  close(): Promise<void>;
}

/**
 * An OTLP/HTTP traces endpoint on a free loopback port that keeps what it is
 * sent: the JSON encoding, which @opentelemetry/exporter-trace-otlp-http sends.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const exports: ExportRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces' && request.method === 'POST') {
        exports.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as ExportRequest);
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const resourceSpans = () => exports.flatMap((request) => request.resourceSpans ?? []);
  return {
    url: `http://127.0.0.1:${String(port)}`,
    spans: () =>
      resourceSpans().flatMap((resource) =>
        (resource.scopeSpans ?? []).flatMap((scope) => scope.spans ?? []),
      ),
    serviceNames: () =>
      resourceSpans().map(
        (resource) =>
          resource.resource?.attributes?.find((attribute) => attribute.key === 'service.name')
            ?.value['stringValue'] as string,
      ),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
