import { execFile } from 'node:child_process';

/**
 * Validates an OpenAPI document with @apidevtools/swagger-parser. It runs in a plain Node
 * child process because the parser's dependencies are ES modules, which Jest's CommonJS
 * runtime cannot load (Node itself can).
 */
export function validateOpenApi(document: unknown): Promise<{ valid: boolean; message?: string }> {
  const script = `
    let input = '';
    process.stdin.on('data', (chunk) => (input += chunk));
    process.stdin.on('end', () => {
      require('@apidevtools/swagger-parser')
        .validate(JSON.parse(input))
        .then(() => process.stdout.write(JSON.stringify({ valid: true })), (error) => process.stdout.write(JSON.stringify({ valid: false, message: error.message })));
    });`;
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['-e', script], { cwd: __dirname, timeout: 30_000, maxBuffer: 10_000_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`the OpenAPI validator failed to run: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout));
    });
    child.stdin!.end(JSON.stringify(document));
  });
}
