export * from './presence.svelte';
export { default as PresenceAvatars } from './PresenceAvatars.svelte';
