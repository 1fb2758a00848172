/**
 * What no log line of the subgraph may hold, and what every line logged for
 * a request must hold. Findings name the line and the kind of leak, never the
 * leaked value, so a failing audit does not print the secret a second time.
 */
export interface KnownSecret {
  /** What it is, for the finding: "dxp client secret", "Px bearer token", ... */
  label: string;
  value: string;
}

export interface LogFinding {
  /** 1-based index of the line among the captured ones. */
  line: number;
  problem: string;
}

/** Sandbox payment tokens (`tok_visa`, ...) and any other token of that form. */
const PAYMENT_TOKEN = /\btok_[A-Za-z0-9_]+/;
/**
 * A full email address. Masked ones (`j***@example.com`) do not match, nor
 * do package paths in stacks (`node_modules/@escape.tech/...`): a local part
 * must not start right after a path or word character.
 */
const EMAIL = /(?<![\w/.%+*-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;
/**
 * A run of 8 to 15 digits standing alone: an msisdn. Ids that only contain
 * digits (`PX12345678`, UUID segments) are joined to letters or dashes.
 */
const FULL_MSISDN = /(?<![\w.:-])\d{8,15}(?![\w.:-])/;

/**
 * Keys only a line logged while serving a request carries: the request line
 * itself, upstream attempts, and errors met while executing an operation.
 */
const REQUEST_KEYS = ['path', 'status', 'upstream', 'route', 'outcome', 'partnerOrderId'];
/** Apollo Server logs a request it could not process with its server-wide logger. */
const REQUEST_MESSAGES = /^Unexpected error processing request/;

export function auditLogLines(
  lines: readonly string[],
  secrets: readonly KnownSecret[],
): LogFinding[] {
  const findings: LogFinding[] = [];
  lines.forEach((text, index) => {
    const line = index + 1;
    for (const secret of secrets) {
      if (secret.value !== '' && text.includes(secret.value)) {
        findings.push({ line, problem: `holds a ${secret.label}` });
      }
    }
    if (PAYMENT_TOKEN.test(text)) findings.push({ line, problem: 'holds a payment token' });
    if (EMAIL.test(text)) findings.push({ line, problem: 'holds a full email address' });
    if (FULL_MSISDN.test(text)) findings.push({ line, problem: 'holds a full msisdn' });

    const record = parsed(text);
    if (record === undefined) {
      findings.push({ line, problem: 'is not a JSON object' });
      return;
    }
    const forRequest =
      REQUEST_KEYS.some((key) => key in record) ||
      (typeof record['msg'] === 'string' && REQUEST_MESSAGES.test(record['msg']));
    const correlationId = record['correlationId'];
    if (forRequest && (typeof correlationId !== 'string' || correlationId === '')) {
      findings.push({ line, problem: 'was logged for a request without its correlationId' });
    }
  });
  return findings;
}

function parsed(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** One message for a failed audit: the lines at fault and why, without their content. */
export function describeFindings(findings: readonly LogFinding[]): string {
  const shown = findings.slice(0, 20).map((finding) => `line ${finding.line} ${finding.problem}`);
  const more = findings.length > shown.length ? `; and ${findings.length - shown.length} more` : '';
  return `log audit: ${shown.join('; ')}${more}`;
}
