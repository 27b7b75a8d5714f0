import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../lib/password.ts';

/**
 * What a new password must be (issue #9): at least 8 characters, at most as long as the hashing accepts,
 * not one of the passwords every guesser tries first, and not the login name itself (residents log in
 * with their mobile number, which is the first thing a neighbour would try). Pure: no I/O.
 */

export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH };

export type PasswordProblem = 'too_short' | 'too_long' | 'password_common' | 'same_as_username';

export type PasswordCheck = { ok: true } | { ok: false; problem: PasswordProblem; params?: Record<string, number> };

/**
 * The most common passwords in public leak corpora (SecLists top lists, the CSDN, 12306, Tianya and
 * 7k7k leaks): digit runs, keyboard walks, lucky numbers (8, 6, 5201314 "I love you for life"), pinyin
 * (woaini = 我爱你) and their usual suffixes. Compared case-insensitively after NFKC normalisation;
 * entries shorter than the minimum length are refused by length anyway and are listed for completeness.
 */
// One list, whitespace-separated, grouped as: digit runs and repeats; pinyin and Chinese favourites; birthdays and years people pick as a "memorable" eight digits.
export const COMMON_PASSWORDS: readonly string[] = `
123456 1234567 12345678 123456789 1234567890 0123456789 01234567 012345678 987654321 9876543210 87654321
654321 7654321 123123 123123123 12341234 123456123456 1234512345 123321 1234554321 123454321 12344321
147258369 159357 159753 1472583690 147852369 741852963 963852741 789456123 321654987 123654789 147258 258369
135792468 13579 246810 1357924680 112233 11223344 112233445566 121212 12121212 131313 202020 101010 10101010
111222 111222333 000000 00000000 000000000 0000000000 111111 11111111 111111111 1111111111 222222 22222222
333333 33333333 444444 44444444 555555 55555555 666666 66666666 666666666 777777 77777777 888888 88888888
888888888 8888888888 999999 99999999 999999999 9999999999 123456780 1234567899 12345678910 1234567891
123456798 123456654321 12345678900 100200 110110 110110110 120120 119119 5211314 520520 52005200 5201314
520131400 5201314520 52013145201314 1314520 13145200 1314521 31415926 3141592653 123qwe 123qweasd 123qweasdzxc
1qaz2wsx 1qaz2wsx3edc 1q2w3e4r 1q2w3e4r5t 1q2w3e q1w2e3r4 q1w2e3r4t5 zaq12wsx zaq1zaq1 1qazxsw2 qazwsx
qazwsxedc qazwsx123 qwe123 qwe123456 qweasd qweasd123 qweasdzxc qweqwe qwer1234 qwerty qwerty1 qwerty12
qwerty123 qwerty1234 qwertyui qwertyuiop qwert asdfgh asdfghjk asdfghjkl asdf1234 asd123 asd123456 asdasd
asdasdasd zxcvbn zxcvbnm zxcvbnm123 zxc123 zxc123456 zxczxc abc123 abc1234 abc12345 abc123456 abcd1234
abcd123456 abcdef abcdefg abcdefgh abc123abc a123456 a1234567 a12345678 a123456789 a1b2c3 a1b2c3d4 a11111
a111111 aa123456 aa12345678 aaa111 aaa123 aaa123456 aaaaaa aaaaaaaa abcabc q123456 q1234567 q12345678 qq123456
qq1234567 qq12345678 qq123456789 qqqqqq qqqqqqqq w123456 z123456 z12345678 zz123456 s123456 x123456 p@ssw0rd
p@ssword passw0rd password password1 password12 password123 password1234 pass1234 pass123 passpass admin
admin123 admin1234 admin888 admin12345 administrator root root123 root1234 toor test test123 test1234 testtest
guest guest123 changeme welcome welcome1 welcome123 letmein letmein1 iloveyou iloveyou1 iloveu loveyou
love1314 lovelove login master monkey dragon football baseball basketball superman batman trustno1 sunshine
princess shadow michael jordan23 jennifer starwars whatever freedom computer internet secret hello123
helloworld google google123 samsung apple123 iphone mustang charlie killer cheese ginger hunter hunter2 soccer
pokemon minecraft flower summer matrix buster harley ranger daniel thomas andrew joshua michelle jessica
ashley nicole hannah tigger cookie chocolate butterfly sanfang sanfang123
woaini woaini1314 woaini520 woaini521 woaini123 woaini123456 woaini1234 woainima woaiwojia woaini1 woaini12
iloveyou1314 aini1314 woshishui wangjian zhangwei wangwei liuyang zhangjie lijing wangfang zhangyan liwei
wangyan zhang123 wang123 li123456 zhang123456 wang123456 liu123456 chen123456 yang123456 zhao123456 huang123
zhou123456 wu123456 xu123456 sun123456 zhu123456 ma123456 hu123456 guo123456 lin123456 he123456 gao123456
luo123456 zhongguo zhongguo123 zhongguoren beijing beijing2008 shanghai guangzhou shenzhen tianjin chongqing
wuhan123 nanjing hangzhou qingdao chengdu xiamen dalian xian123 laopo520 laogong laopo1314 baobao baobei
baobei520 baobei1314 xiaoxiao xiaoming xiaohong xiaobai haha123 hahaha hehehe hello nihao nihao123 nihaoma
wocao tiantian mingming qwe123qwe asd123asd aaa123123 asdf123 aaaa1111 a5201314 a123123 a123123123 aa123123
qq5201314 qq520520 yangyang feifei jingjing lilili dongdong huanhuan lingling tingting shishi fangfang
wodemima mima123 mima1234 mima123456 woshishen asdfasdf zxcasdqwe qweasdzxc123 z123123 wangyi taobao taobao123
alipay weixin weixin123 qq123123 dearbook xiaoqiang xingxing dandan gege meimei jiejie didi
19491001 20080808 19700101 19800101 19900101 20000101 19880808 19881010 19891010 19901010 19911010 19921010
19931010 19941010 19951010 19960101 19870101 19860101 19850101 19840101 19830101 19820101 19810101 20100101
12345600 11111111a 1234qwer 123abc 123abc456 123456a 123456aa 123456abc 123456q 123456qq 123456qwe 123456w
123456z 123456s 123456aaa 1234567a 12345678a 123456789a 1234abcd 12345qwert 12345abc abc123123 qwe12345
`
  .split(/\s+/)
  .filter((word) => word !== '');

const COMMON = new Set(COMMON_PASSWORDS.map(normalise));

function normalise(password: string): string {
  return password.normalize('NFKC').toLowerCase();
}

/**
 * Checks a new password. `username` is the login name the password must differ from (for a resident,
 * their mobile number).
 */
export function checkNewPassword(password: string, username = ''): PasswordCheck {
  const length = Array.from(password).length;
  if (length < PASSWORD_MIN_LENGTH) return { ok: false, problem: 'too_short', params: { min: PASSWORD_MIN_LENGTH } };
  if (length > PASSWORD_MAX_LENGTH) return { ok: false, problem: 'too_long', params: { max: PASSWORD_MAX_LENGTH } };
  const normal = normalise(password);
  if (username !== '' && normal === normalise(username)) return { ok: false, problem: 'same_as_username' };
  // One character over and over ("aaaaaaaaa", "........") is as weak as anything on the list.
  if (COMMON.has(normal) || new Set(Array.from(normal)).size === 1) return { ok: false, problem: 'password_common' };
  return { ok: true };
}
