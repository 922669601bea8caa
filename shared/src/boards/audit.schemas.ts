import { z } from 'zod';

/** GET /api/boards/:id/audit query: filters and a page size; newest first. */
export const auditQuerySchema = z
  .object({
    projectId: z.string().min(1).max(64).optional(),
    userId: z.string().min(1).max(64).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
export type AuditQuery = z.infer<typeof auditQuerySchema>;

export const auditRecordSchema = z.object({
  /** The update's log id. */
  id: z.string(),
  at: z.string(),
  userId: z.string(),
  userName: z.string().nullable(),
  orgId: z.string().nullable(),
  projectIds: z.array(z.string()),
  /** One line in zh-CN: which project, which fields, old → new where short. */
  summary: z.string(),
  changes: z.array(
    z.object({
      path: z.string(),
      kind: z.enum(['set', 'create', 'text', 'delete']),
      old: z.unknown().optional(),
      new: z.unknown().optional(),
    }),
  ),
});
export type AuditRecord = z.infer<typeof auditRecordSchema>;
