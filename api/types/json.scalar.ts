import { GraphQLScalarType, valueFromASTUntyped } from 'graphql';

/** Any JSON value, as is: for station answers and OCPP payloads too varied to type field by field. */
export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'A JSON value (object, array, string, number, boolean or null)',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
});
