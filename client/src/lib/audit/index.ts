export * from './audit-changes';
export * from './audit-entries';
export * from './audit-paging';
export * from './audit-time';
export * from './audit-trail.svelte';
export { default as AuditPanel } from './AuditPanel.svelte';
export { default as ProjectAuditSection } from './ProjectAuditSection.svelte';
