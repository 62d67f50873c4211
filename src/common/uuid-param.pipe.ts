import { Injectable, Param, PipeTransform } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { RequestValidationException } from './errors/app.exception';

/** A route parameter that must be a UUID: a 400 naming the parameter otherwise. */
@Injectable()
class UuidParamPipe implements PipeTransform<unknown, string> {
  constructor(private readonly name: string) {}

  transform(value: unknown): string {
    if (typeof value !== 'string' || !isUUID(value)) {
      throw new RequestValidationException([{ field: this.name, code: 'INVALID_VALUE', message: `${this.name} must be a UUID` }]);
    }
    return value;
  }
}

/** `@UuidParam('id') id: string`: the route parameter, checked to be a UUID. */
export const UuidParam = (name: string): ParameterDecorator => Param(name, new UuidParamPipe(name));
