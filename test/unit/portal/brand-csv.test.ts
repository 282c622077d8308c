import { logLine, parseCsv, validateProducts } from '../../../src/portal/brand-csv';

describe("the brand portal's product CSV pre-validation (seed 004)", () => {
  test('parses quotes, doubled quotes, commas inside quotes, CRLF and a BOM', () => {
    expect(parseCsv('\ufeffa,b\r\n"x, y","say ""hi"""\n\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
    ]);
  });

  test('a good file gives its rows, optional columns included', () => {
    const { problems, rows } = validateProducts(
      'sku,brand_id,name,description\nA1,3,Alpha,first\nB2,3,Beta,\n',
    );
    expect(problems).toEqual([]);
    expect(rows).toEqual([
      { row: 2, sku: 'A1', brand_id: '3', name: 'Alpha', description: 'first' },
      { row: 3, sku: 'B2', brand_id: '3', name: 'Beta', description: '' },
    ]);
  });

  test('a missing required column is reported on the header', () => {
    expect(validateProducts('sku,name\nA,B\n').problems).toEqual([
      { row: 1, message: 'The header has no "brand_id" column (required).' },
    ]);
  });

  test('every row error is listed: field count, blank and duplicated SKU, blank name, bad brand', () => {
    const csv = [
      'sku,brand_id,name',
      'A1,3,Alpha',
      'A1,3,Again',
      ',3,Nameless SKU',
      'C3,3',
      'D4,x,',
      '',
    ].join('\n');
    const { problems, rows } = validateProducts(csv);
    expect(rows).toEqual([]);
    expect(problems).toEqual([
      { row: 3, message: 'The SKU "A1" is also on row 2.' },
      { row: 4, message: 'The SKU is blank.' },
      { row: 5, message: 'Has 2 fields; the header has 3.' },
      { row: 6, message: 'The name is blank.' },
      { row: 6, message: 'The brand_id "x" is not a number.' },
    ]);
  });

  test('an empty file and a header alone are refused', () => {
    expect(validateProducts('').problems[0].message).toBe('The file is empty.');
    expect(validateProducts('sku,brand_id,name\n').problems[0].message).toBe('The file has no products.');
  });

  test('log lines are CSV-quoted', () => {
    expect(logLine([2, 'A,1', 'failed', 'say "no"'])).toBe('2,"A,1",failed,"say ""no"""');
  });
});
