// The @nestjs/swagger CLI plugin, in the shape ts-jest expects of an AST transformer.
const plugin = require('@nestjs/swagger/plugin');

const options = { introspectComments: true, classValidatorShim: true, dtoFileNameSuffix: ['.dto.ts', '.entity.ts'] };

module.exports = {
  name: 'nestjs-swagger-plugin',
  version: 1,
  factory: (compiler) => plugin.before(options, compiler.program),
};
