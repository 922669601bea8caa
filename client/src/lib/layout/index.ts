export { default as AppHeader } from './AppHeader.svelte';
export { default as LanguageSwitch } from './LanguageSwitch.svelte';
