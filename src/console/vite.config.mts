// Build of the staff console (管理后台). Served by the app at /admin from src/console/dist.
// Element Plus components and their styles are imported on demand, so the first load stays small.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import Components from 'unplugin-vue-components/vite';
import AutoImport from 'unplugin-auto-import/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/admin/',
  plugins: [
    vue(),
    // ElMessage / ElMessageBox and their styles, on demand.
    AutoImport({ resolvers: [ElementPlusResolver()], dts: false }),
    Components({ resolvers: [ElementPlusResolver()], dts: false, dirs: [] }),
  ],
  build: {
    outDir: 'dist',
    // dist/.vite/manifest.json: which files each screen loads (read by `npm run bench:console`).
    manifest: true,
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 800,
    reportCompressedSize: false,
  },
  server: {
    // `npm run console:dev`: the API comes from `npm start` on port 3000.
    proxy: { '/api': 'http://localhost:3000', '/media': 'http://localhost:3000' },
  },
});
