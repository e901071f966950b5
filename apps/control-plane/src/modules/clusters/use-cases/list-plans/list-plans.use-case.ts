/** The plan catalog (public). */
import { Injectable } from '@nestjs/common';
import { PLANS, type Plan } from '../../plans.js';

@Injectable()
export class ListPlansUseCase {
  execute(): Plan[] {
    return Object.values(PLANS);
  }
}
