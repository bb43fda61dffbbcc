/**
 * Entry of the web app. The CJK font is bundled (no online font, no CDN: command-centre networks
 * are isolated); design tokens become CSS variables before the first paint. One build serves two
 * screens: /console is the operators' desk, every other path the wall. Each root is its own chunk,
 * so the console never loads the map and the wall never loads the console.
 */
import '@fontsource-variable/noto-sans-sc';
import './layouts/base.css';
import { createPinia } from 'pinia';
import { createApp, type Component } from 'vue';
import { applyTokens } from './layouts/tokens';

function isConsolePath(pathname: string): boolean {
  return /^\/console\/?$/.test(pathname);
}

applyTokens();
const load: Promise<{ default: Component }> = isConsolePath(location.pathname) ? import('./console/ConsoleApp.vue') : import('./App.vue');
void load.then(({ default: root }) => createApp(root).use(createPinia()).mount('#app'));
