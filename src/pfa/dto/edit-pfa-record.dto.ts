import { IsObject, IsOptional, IsString, MaxLength } from 'class-validator';

export class EditPfaRecordDto {
  /**
   * Field -> new value, e.g. {"forecastStart": "2026-03-01", "monthlyRate": 12500}.
   * Editable: forecastStart, forecastEnd, monthlyRate, purchasePrice, dor, category, class,
   * source, manufacturer, model, isDiscontinued, isFundsTransferable.
   */
  @IsObject()
  changes: Record<string, unknown>;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  changeReason?: string;
}
