import { DynamicModule, Logger, Module } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The package's root: the nearest folder above this file with a package.json (src/console under ts-node, dist/src/console once built). */
function packageRoot(): string {
  let folder = __dirname;
  while (!existsSync(join(folder, 'package.json')) && dirname(folder) !== folder) folder = dirname(folder);
  return folder;
}

/** Where `npm run build:web` puts the console (web/vite.config.ts). */
export const CONSOLE_DIST = join(packageRoot(), 'web', 'dist');

/**
 * The web console (web/), served at / from the same origin as the API, so that it needs no CORS
 * and its Content-Security-Policy can stay 'self'. Any path that is not the API, health, metrics
 * or a file of the build answers index.html: the console's router reads the path. Built files
 * under /assets carry a content hash and are cached for a year; index.html is never cached, so
 * a new build is picked up at the next load.
 */
@Module({})
export class ConsoleModule {
  static register(): DynamicModule {
    if (!existsSync(join(CONSOLE_DIST, 'index.html'))) {
      new Logger('Console').warn(`The web console is not built (${CONSOLE_DIST} has no index.html): run \`npm run build:web\`. The API works without it.`);
      return { module: ConsoleModule };
    }
    return {
      module: ConsoleModule,
      imports: [
        ServeStaticModule.forRoot({
          rootPath: CONSOLE_DIST,
          exclude: ['/api/{*path}', '/health', '/metrics'],
          serveStaticOptions: {
            index: 'index.html',
            setHeaders: (response, path) => {
              response.setHeader('Cache-Control', path.includes(`${join('dist', 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
            },
          },
        }),
      ],
    };
  }
}
