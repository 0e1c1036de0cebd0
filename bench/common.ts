/** Shared by the bench peers: the finance merchant categories, in the dataset's order. */
export const CATS = [
  "grocery",
  "restaurants",
  "fuel",
  "travel",
  "electronics",
  "online_retail",
  "entertainment",
  "health",
];
