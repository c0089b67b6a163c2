/** Maps one /v3/company/{realmId}/… request onto the operations. Returns status + body (without `time`). */
import type { Request } from 'express';
import { changeDataCapture } from './cdc';
import { runBatch } from './batch';
import { faults } from './faults';
import { asString, type Entity } from './json';
import { findEntity } from './entities/registry';
import type { EntityContext } from './entities/context';
import { createEntity, deleteEntity, readEntity, sendEntity, updateEntity, voidEntity } from './operations';
import { executeQuery } from './query-exec';

export interface ApiResult {
  status: number;
  body: Entity;
  contentType?: string;
  raw?: Buffer;
}

const ok = (body: Entity): ApiResult => ({ status: 200, body });

/** A one-page PDF with the document number and total, enough for clients that download invoices. */
function tinyPdf(lines: string[]): Buffer {
  const shown = lines.map((line) => `(${line.replace(/[()\\]/g, '').replace(/[^\x20-\x7e]/g, '?')}) Tj`);
  const stream = `BT /F1 18 Tf 24 TL 72 720 Td ${shown.join(' T* ')} ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

export function dispatch(ctx: EntityContext, req: Request, relative: string, maxBatchItems: number): ApiResult {
  const segments = relative.split('/').filter(Boolean);
  const first = (segments[0] ?? '').toLowerCase();
  const q = req.query as Record<string, string | undefined>;
  const method = req.method;
  const unsupported = () => faults.unsupportedOperation(req.baseUrl + relative, `${req.protocol}://${req.get('host') ?? ''}${req.baseUrl}${relative}`);

  if (first === 'query' && segments.length === 1) {
    const text = method === 'GET' ? q.query : typeof req.body === 'string' ? req.body : q.query;
    if (!text) throw faults.requiredParam('query');
    return ok({ QueryResponse: executeQuery(ctx, text) });
  }
  if (first === 'batch' && segments.length === 1 && method === 'POST') return ok(runBatch(ctx, req.body, maxBatchItems));
  if (first === 'cdc' && segments.length === 1 && method === 'GET') return ok(changeDataCapture(ctx, q.entities, q.changedSince));

  const def = findEntity(first);
  if (!def) throw unsupported();
  const wrap = (entity: Entity) => ok({ [def.name]: entity });
  const allowDuplicateDocNum = q.include === 'allowduplicatedocnum';

  if (def.kind === 'singleton') {
    const id = segments[1];
    if (segments.length > 2 || (id !== undefined && id !== '1' && id !== ctx.store.realmId)) throw unsupported();
    if (method === 'GET') return wrap(readEntity(ctx, def, '1'));
    if (method === 'POST') return wrap(updateEntity(ctx, def, { ...(req.body as Entity), Id: '1' }));
    throw unsupported();
  }
  if (segments.length === 1 && method === 'POST') {
    const operation = q.operation;
    if (operation === 'delete') return wrap(deleteEntity(ctx, def, req.body));
    if (operation === 'void' || q.include === 'void') return wrap(voidEntity(ctx, def, req.body));
    const body = req.body as Entity | undefined;
    if (operation === 'update' || asString(body?.Id) !== undefined) return wrap(updateEntity(ctx, def, req.body, { allowDuplicateDocNum }));
    return wrap(createEntity(ctx, def, req.body, { allowDuplicateDocNum }));
  }
  if (segments.length === 2 && method === 'GET') return wrap(readEntity(ctx, def, segments[1]!));
  if (segments.length === 3 && segments[2] === 'pdf' && method === 'GET') {
    const record = readEntity(ctx, def, segments[1]!);
    const total = typeof record.TotalAmt === 'number' ? record.TotalAmt.toFixed(2) : undefined;
    const currency = asString((record.CurrencyRef as Entity | undefined)?.value) ?? '';
    const lines = [`${def.name} ${asString(record.DocNumber) ?? asString(record.Id) ?? ''}`, ...(total !== undefined ? [`Total ${total} ${currency}`.trim()] : [])];
    return { status: 200, body: {}, contentType: 'application/pdf', raw: tinyPdf(lines) };
  }
  if (segments.length === 3 && segments[2] === 'send' && method === 'POST') return wrap(sendEntity(ctx, def, segments[1]!, q.sendTo));
  throw unsupported();
}
