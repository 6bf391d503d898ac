/**
 * Renderer entry: the API (preload or browser mode), Pinia, vue-i18n, then the shell.
 * Language and theme are applied before the first paint so the page never flashes.
 */
import '@xterm/xterm/css/xterm.css'
import './styles/app.css'
import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { LAB_API, resolveLabApi } from './api/index'
import { createLabI18n } from './i18n/index'
import { useSettingsStore } from './stores/settings'

const app = createApp(App)
const pinia = createPinia()
app.provide(LAB_API, resolveLabApi())
app.use(pinia)
// The settings store reads localStorage and navigator.language: create it first so i18n
// starts in the right language.
const settings = useSettingsStore(pinia)
app.use(createLabI18n(settings.language))
app.mount('#app')
