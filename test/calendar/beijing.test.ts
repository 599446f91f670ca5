import { expect } from 'chai';
import {
  addBeijingMonths, beijingDay, beijingDayStart, beijingDayStartOf, beijingMonth, beijingParts, beijingTime, formatBeijing,
} from '../../src/calendar/beijing';
import { parsePeriod, periodContaining } from '../../src/calendar/periods';
import { TEST_YEAR } from '../support/clock';

describe('the Beijing calendar', () => {
  const y = TEST_YEAR;
  // 23:30 UTC on 31 December is already 1 January in Beijing.
  const newYearInBeijing = new Date(Date.UTC(y, 11, 31, 23, 30));

  it('reads days, months and parts on the Beijing calendar whatever the process zone', () => {
    expect(beijingDay(newYearInBeijing)).to.equal(`${y + 1}-01-01`);
    expect(beijingMonth(newYearInBeijing)).to.equal(`${y + 1}-01`);
    expect(beijingParts(newYearInBeijing)).to.deep.equal({ year: y + 1, month: 1, day: 1, hour: 7, minute: 30, second: 0 });
    expect(formatBeijing(newYearInBeijing)).to.equal(`${y + 1}年1月1日 07:30`);
    expect(formatBeijing(newYearInBeijing, false)).to.equal(`${y + 1}年1月1日`);
  });

  it('turns wall-clock times into instants, rolling months over', () => {
    expect(beijingTime(y + 1, 1, 1).toISOString()).to.equal(`${y}-12-31T16:00:00.000Z`);
    expect(beijingTime(y, 13).toISOString()).to.equal(beijingTime(y + 1, 1).toISOString());
    expect(beijingTime(y, 3, 1, 14, 30, 5).toISOString()).to.equal(`${y}-03-01T06:30:05.000Z`);
  });

  it('finds the start of a day from an instant or a key', () => {
    expect(beijingDayStart(newYearInBeijing).toISOString()).to.equal(`${y}-12-31T16:00:00.000Z`);
    expect(beijingDayStartOf(`${y + 1}-01-01`).toISOString()).to.equal(`${y}-12-31T16:00:00.000Z`);
  });

  it('adds calendar months, keeping to the last day of a shorter month', () => {
    const jan31 = beijingTime(y, 1, 31, 10);
    expect(beijingDay(addBeijingMonths(jan31, 1))).to.match(new RegExp(`^${y}-02-(28|29)$`));
    expect(beijingParts(addBeijingMonths(jan31, 1)).hour).to.equal(10);
    expect(beijingDay(addBeijingMonths(jan31, 12))).to.equal(`${y + 1}-01-31`);
  });

  it('bounds reporting periods in Beijing time', () => {
    const h2 = parsePeriod(`${y}-H2`)!;
    expect(h2.start.toISOString()).to.equal(`${y}-06-30T16:00:00.000Z`);
    expect(h2.end.toISOString()).to.equal(`${y}-12-31T16:00:00.000Z`);
    expect(h2.months).to.have.length(6);
    expect(periodContaining('quarter', newYearInBeijing).key).to.equal(`${y + 1}-Q1`);
    expect(parsePeriod(`${y}-13`)).to.equal(undefined);
  });
});
