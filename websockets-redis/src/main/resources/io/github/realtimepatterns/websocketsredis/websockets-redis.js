export function x(){}
