// The CCCD checks of DOMAIN.md, run in the browser as the officer types so that a mistake is seen
// before the form is sent. The members service runs the same rules (members/domain.py validate_cccd)
// and stays the authority: these only spare a round trip. Codes and texts are the service's.
//
// - 12 digits (spaces, dots and dashes as people type them are ignored), or a legacy 9-digit CMND,
//   which encodes nothing and is not cross-checked;
// - digits 1-3: where the birth was registered, by the 63 provinces before 2025 (or a country code
//   abroad: an unknown prefix is shown, never refused);
// - digit 4: century and gender (1900s: 0 male, 1 female; 2000s: 2/3; 2100s: 4/5);
// - digits 5-6: the last two digits of the birth year. There is no check digit.

export const BIRTH_PROVINCES = {
  "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn", "008": "Tuyên Quang",
  "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu", "014": "Sơn La", "015": "Yên Bái",
  "017": "Hòa Bình", "019": "Thái Nguyên", "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang",
  "025": "Phú Thọ", "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
  "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định", "037": "Ninh Bình",
  "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh", "044": "Quảng Bình", "045": "Quảng Trị",
  "046": "Thừa Thiên Huế", "048": "Đà Nẵng", "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định",
  "054": "Phú Yên", "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
  "064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng", "070": "Bình Phước",
  "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai", "077": "Bà Rịa - Vũng Tàu",
  "079": "Hồ Chí Minh", "080": "Long An", "082": "Tiền Giang", "083": "Bến Tre", "084": "Trà Vinh",
  "086": "Vĩnh Long", "087": "Đồng Tháp", "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ",
  "093": "Hậu Giang", "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
};

const MESSAGES = {
  cccd_required: ["Vui lòng nhập số CCCD.", "The CCCD number is required."],
  cccd_format: ["Số CCCD phải gồm đúng 12 chữ số (CMND cũ: 9 chữ số).",
    "A CCCD number has exactly 12 digits (a legacy CMND has 9)."],
  cccd_gender_mismatch: ["Chữ số thứ 4 của số CCCD không khớp với giới tính đã nhập.",
    "The 4th digit of the CCCD does not match the gender entered."],
  cccd_century_mismatch: ["Chữ số thứ 4 của số CCCD không khớp với thế kỷ của năm sinh.",
    "The 4th digit of the CCCD does not match the century of the birth year."],
  cccd_birth_year_mismatch: ["Chữ số thứ 5 và thứ 6 của số CCCD không khớp với năm sinh.",
    "Digits 5 and 6 of the CCCD do not match the birth year."],
};

function problem(code) {
  const [message, messageEn] = MESSAGES[code];
  return { code, message, message_en: messageEn };
}

export function normalise(raw) {
  return (raw || "").replace(/[\s.-]/g, "");
}

// The problems of a CCCD with the gender ("MALE" | "FEMALE" | "") and birth year (number or null),
// as field errors {code, message, message_en}; [] when it is fine.
export function checkCccd(raw, gender, birthYear) {
  const number = normalise(raw);
  if (!number) return [problem("cccd_required")];
  if (/^[0-9]{9}$/.test(number)) return [];
  if (!/^[0-9]{12}$/.test(number)) return [problem("cccd_format")];
  const digit = Number(number[3]);
  const problems = [];
  if ((gender === "MALE" || gender === "FEMALE") && gender !== (digit % 2 ? "FEMALE" : "MALE")) {
    problems.push(problem("cccd_gender_mismatch"));
  }
  if (Number.isInteger(birthYear) && birthYear > 0) {
    if (1900 + 100 * Math.floor(digit / 2) !== birthYear - (birthYear % 100)) problems.push(problem("cccd_century_mismatch"));
    if (number.slice(4, 6) !== String(birthYear % 100).padStart(2, "0")) problems.push(problem("cccd_birth_year_mismatch"));
  }
  return problems;
}

// What the number says, for the hint under the field: the province of birth registration, the gender
// and century, the year's last digits.
export function describe(raw) {
  const number = normalise(raw);
  if (!/^[0-9]{12}$/.test(number)) return null;
  const digit = Number(number[3]);
  return {
    province: BIRTH_PROVINCES[number.slice(0, 3)] || null,
    gender: digit % 2 ? "FEMALE" : "MALE",
    century: 1900 + 100 * Math.floor(digit / 2),
    yearDigits: number.slice(4, 6),
  };
}
