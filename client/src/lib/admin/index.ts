import './admin.css';
export * from './admin-directory.svelte';
export * from './region-tree';
export * from './user-filter';
export { default as UsersSection } from './UsersSection.svelte';
export { default as OrgsSection } from './OrgsSection.svelte';
export { default as RegionsSection } from './RegionsSection.svelte';
