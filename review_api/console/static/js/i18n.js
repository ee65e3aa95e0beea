// Every word of the console, Traditional Chinese first and English beside it.

const WORDS = {
  appTitle: ["家庭聯絡簿審核台", "Familybook review console"],
  signInTitle: ["審核人員登入", "Staff sign-in"],
  signInHelp: [
    "請貼上管理者給你的工作人員憑證。憑證只保存在這個分頁，關閉分頁即登出。",
    "Paste the staff token an administrator gave you. It is kept in this tab only; closing the tab signs you out.",
  ],
  tokenLabel: ["工作人員憑證", "Staff token"],
  signIn: ["登入", "Sign in"],
  signOut: ["登出", "Sign out"],
  badToken: ["憑證無效或已過期，請向管理者索取新的憑證。", "This token is invalid or expired; ask an administrator for a new one."],
  language: ["English", "中文"],
  navQueue: ["待審清單", "Queue"],
  navDeliveries: ["待送交", "Deliveries"],
  navAppeals: ["申訴", "Appeals"],
  help: ["快捷鍵說明", "Keyboard help"],
  helpTitle: ["快捷鍵", "Keyboard shortcuts"],
  close: ["關閉", "Close"],
  keyJ: ["下一件", "Next item"],
  keyK: ["上一件", "Previous item"],
  keyEnter: ["開啟選取的項目", "Open the selected item"],
  keyC: ["認領（清單中：認領下一件）", "Claim (in the queue: claim the next item)"],
  keyA: ["核准", "Approve"],
  keyR: ["退件", "Reject"],
  keyN: ["寫備註", "Write a note"],
  keyQ: ["回到待審清單", "Back to the queue"],
  keyHelp: ["顯示這個說明", "Show this help"],
  keyEsc: ["關閉視窗", "Close a dialog"],
  helpTyping: ["在輸入框中打字時，快捷鍵不會作用。", "Shortcuts do nothing while you type in a field."],
  // the queue
  kind: ["類別", "Kind"],
  kindAll: ["全部", "All"],
  kind_application: ["服務申請", "Application"],
  kind_post: ["聯絡簿", "Post"],
  institution: ["機關", "Institution"],
  allInstitutions: ["全部機關", "All institutions"],
  search: ["搜尋", "Search"],
  searchPlaceholder: ["家屬姓名、身分證字號、呼號或編號", "Family name, national ID, callsign or item id"],
  flag: ["標記", "Flag"],
  anyFlag: ["不限", "Any"],
  claimedFilter: ["認領", "Claimed"],
  claimed_any: ["不限", "Any"],
  claimed_unclaimed: ["未認領", "Unclaimed"],
  claimed_mine: ["我認領的", "Mine"],
  claimed_others: ["他人認領", "Others'"],
  minAttempt: ["送件次數至少", "Attempt at least"],
  sort: ["排序", "Sort"],
  sort_oldest: ["最舊的先", "Oldest first"],
  sort_newest: ["最新的先", "Newest first"],
  apply: ["篩選", "Filter"],
  claimNext: ["認領下一件", "Claim next"],
  refresh: ["重新整理", "Refresh"],
  age: ["等待", "Waiting"],
  flags: ["標記", "Flags"],
  ocrState: ["文字辨識", "OCR"],
  attempt: ["次數", "Attempt"],
  family: ["家屬", "Family"],
  inmate: ["收容人", "Inmate"],
  titleCol: ["標題", "Title"],
  claim: ["認領", "Claim"],
  overdue: ["逾時", "Overdue"],
  overdueLegend: ["等待超過 48 小時標示為逾時。", "Items waiting more than 48 hours are marked overdue."],
  empty: ["目前沒有待審項目。", "Nothing is waiting for review."],
  nothingToClaim: ["沒有可以認領的項目了。", "There is nothing left to claim."],
  nextPage: ["下一頁", "Next page"],
  prevPage: ["上一頁", "Previous page"],
  firstPage: ["第一頁", "First page"],
  pageN: ["第 {n} 頁", "Page {n}"],
  claimedByMe: ["由你認領", "Claimed by you"],
  claimedByOther: ["他人認領中", "Claimed by someone else"],
  claimedByName: ["{name} 認領中", "Claimed by {name}"],
  flag_contains_phone_number: ["含電話號碼", "Phone number"],
  flag_contains_link: ["含網址", "Link"],
  flag_contains_contact_id: ["含通訊軟體帳號", "Messaging ID"],
  flag_photo_contains_text: ["照片中有文字", "Text in a photo"],
  flag_ocr_summary: ["文字辨識摘要", "OCR summary"],
  flag_ocr_gave_up: ["文字辨識放棄", "OCR gave up"],
  unclaimed: ["未認領", "Unclaimed"],
  ocr_pending: ["等待中", "Waiting"],
  ocr_running: ["辨識中", "Running"],
  ocr_done: ["完成", "Done"],
  ocr_gave_up: ["放棄", "Gave up"],
  minutes: ["{n} 分鐘", "{n} min"],
  hours: ["{n} 小時", "{n} h"],
  days: ["{n} 天 {h} 小時", "{n} d {h} h"],
  loading: ["載入中…", "Loading…"],
  // the item
  back: ["← 待審清單", "← Queue"],
  previous: ["上一件", "Previous"],
  next: ["下一件", "Next"],
  status: ["狀態", "Status"],
  status_received: ["已收件", "Received"],
  status_checking: ["檢查中", "Checking"],
  status_needs_fix: ["待補件", "Needs fixing"],
  status_awaiting_review: ["待審核", "Awaiting review"],
  status_in_review: ["審核中", "In review"],
  status_approved: ["已核准", "Approved"],
  status_rejected: ["已退件", "Rejected"],
  status_delivered: ["已送交", "Delivered"],
  status_withdrawn: ["已撤回", "Withdrawn"],
  status_ended: ["已終止", "Ended"],
  submittedAt: ["送件時間", "Submitted"],
  attemptN: ["第 {n} 次送件", "Attempt {n}"],
  relationship: ["關係", "Relationship"],
  nationalId: ["身分證字號", "National ID"],
  birthDate: ["出生日期", "Birth date"],
  rejections: ["歷來退件", "Rejections so far"],
  strikes: ["違規紀錄", "Strikes"],
  strikeCount: ["目前計入 {n} 次", "{n} counting now"],
  suspendedUntil: ["停權至 {d}", "Suspended until {d}"],
  youngestChild: ["最小子女出生日", "Youngest child born"],
  restrictedUntil: ["限制至 {d}", "Restricted until {d}"],
  postContent: ["聯絡簿內容", "The post"],
  documents: ["文件", "Documents"],
  noDocuments: ["沒有可顯示的文件。", "No document to show."],
  notSanitized: ["這個檔案沒有安全處理後的版本，無法在此顯示。", "This file has no sanitized copy to show here."],
  zoomIn: ["放大", "Zoom in"],
  zoomOut: ["縮小", "Zoom out"],
  fit: ["符合寬度", "Fit width"],
  rotate: ["旋轉", "Rotate"],
  openPdf: ["開啟完整 PDF", "Open the whole PDF"],
  pdfPages: ["PDF 共 {n} 頁：可在上方捲動翻頁、縮放。", "The PDF has {n} pages: scroll and zoom above."],
  category_identity_documents: ["身分證明", "Identity document"],
  category_relationship_documents: ["關係證明", "Relationship document"],
  category_applicant_photo: ["申請人照片", "Applicant photo"],
  category_attachments: ["附件", "Attachment"],
  prefill: ["文字辨識對照", "OCR against what was declared"],
  prefillHelp: ["文字辨識只是輔助，請以文件為準。", "OCR is an aid: the document itself decides."],
  field: ["欄位", "Field"],
  declared: ["申報資料", "Declared"],
  read: ["辨識結果", "Read"],
  confidence: ["信心", "Confidence"],
  sourceText: ["讀到的文字", "Text read"],
  prefillNone: ["沒有文字辨識結果。", "No OCR result."],
  field_name: ["姓名", "Name"],
  field_national_id: ["身分證字號", "National ID"],
  field_birth_date: ["出生日期", "Birth date"],
  field_relationship: ["關係", "Relationship"],
  rel_spouse: ["配偶", "Spouse"],
  rel_parent: ["父母", "Parent"],
  rel_child: ["子女", "Child"],
  rel_sibling: ["兄弟姊妹", "Sibling"],
  rel_grandparent: ["祖父母", "Grandparent"],
  rel_grandchild: ["孫子女", "Grandchild"],
  rel_relative: ["其他親屬", "Other relative"],
  rel_cohabitant: ["同住家屬", "Lives with the children"],
  field_inmate_name: ["收容人姓名", "Inmate's name"],
  match: ["相符", "Match"],
  mismatch: ["不符", "Mismatch"],
  not_found: ["未讀到", "Not found"],
  checks: ["自動檢查", "Checks"],
  checksAllOk: ["全部通過", "All passed"],
  checkFailed: ["未通過", "Failed"],
  checkOk: ["通過", "Passed"],
  history: ["歷次送件", "Earlier attempts"],
  historyNone: ["這是第一次送件。", "This is the first attempt."],
  decidedBy: ["決定者", "Decided by"],
  advice: ["給家屬的建議", "Advice to the family"],
  earlierPosts: ["同一服務的其他聯絡簿", "Other posts of this service"],
  duplicates: ["與其他家屬重複的文件", "Documents also in another family's submission"],
  dupExact: ["完全相同", "Identical"],
  dupSimilar: ["相似", "Similar"],
  notes: ["工作人員備註", "Staff notes"],
  notesHelp: ["備註只有工作人員看得到，家屬看不到。", "Notes are for staff only; the family never sees them."],
  addNote: ["新增備註", "Add note"],
  notesNone: ["還沒有備註。", "No notes yet."],
  noteSaved: ["備註已儲存。", "Note saved."],
  notePlaceholder: ["給其他工作人員的備註", "A note for other staff"],
  appeal_upheld: ["申訴駁回", "Appeal upheld"],
  appeal_overruled: ["申訴成立", "Appeal granted"],
  appealed: ["已申訴", "Appealed"],
  claimThis: ["認領", "Claim"],
  release: ["釋出", "Release"],
  approve: ["核准", "Approve"],
  reject: ["退件", "Reject"],
  claimedUntil: ["由你認領，到 {t} 為止", "Claimed by you until {t}"],
  claimedElse: ["這件由其他審核人員認領中。", "Someone else has claimed this item."],
  notClaimedYet: ["尚未認領：要決定前請先認領（c）。", "Not claimed: claim it (c) before deciding."],
  alreadyDecidedState: ["這件已經決定：{s}。", "This item is decided: {s}."],
  confirmApproveTitle: ["核准這一件？", "Approve this item?"],
  confirmApproveHelp: ["按 Enter 確認，Esc 取消。", "Press Enter to confirm, Esc to cancel."],
  confirm: ["確認", "Confirm"],
  cancel: ["取消", "Cancel"],
  rejectTitle: ["退件", "Reject"],
  reason: ["退件原因", "Reason"],
  chooseReason: ["請選擇原因", "Choose a reason"],
  adviceHelp: ["寫給家屬，說明怎麼改（選填）", "For the family: how to fix it (optional)"],
  familySees: ["家屬會看到：", "The family will read (in Chinese):"],
  reviewAdvice: ["審核意見：", "Reviewer's advice:"],
  sendReject: ["送出退件", "Send rejection"],
  approved: ["已核准。", "Approved."],
  rejected: ["已退件。", "Rejected."],
  claimed: ["已認領。", "Claimed."],
  released: ["已釋出。", "Released."],
  sending: ["傳送中…", "Sending…"],
  retrySafe: ["連線中斷。請再按一次送出，不會重複決定。", "The connection dropped. Send again: it will not decide twice."],
  err_claimed_by_other: ["這件已經由其他審核人員認領，請改處理下一件。", "Another reviewer has claimed this item; take the next one."],
  err_not_claimed: ["你的認領已經到期或被釋出，請先重新認領（按 c）再決定。", "Your claim has expired or was released; claim it again (c) before deciding."],
  err_already_decided: ["這件已經有人決定了，不需要再處理。", "Someone has already decided this item; nothing more to do."],
  err_network: ["無法連線到伺服器，請稍後再試。", "The server cannot be reached; try again shortly."],
  err_forbidden: ["你沒有權限做這件事。", "You are not allowed to do this."],
  // deliveries
  deliveriesTitle: ["已核准、待送交收容人的聯絡簿", "Approved posts waiting to reach the inmate"],
  deliveriesNone: ["沒有待送交的聯絡簿。", "No post is waiting for delivery."],
  selectAll: ["全選", "Select all"],
  printSelected: ["列印所選", "Print selected"],
  markDelivered: ["標示為已送交", "Mark delivered"],
  markedDelivered: ["已標示 {n} 件為已送交。", "{n} marked delivered."],
  selectFirst: ["請先勾選項目。", "Select items first."],
  decidedAt: ["核准時間", "Approved"],
  // reports
  navReports: ["報表", "Reports"],
  reportsTitle: ["近 30 天報表（{from} – {to}）", "The last 30 days ({from} – {to})"],
  reportsChart: ["每日件數", "Items a day"],
  reportsTotals: ["30 天合計", "30-day totals"],
  reportsReviewers: ["各審核人員決定件數", "Decisions per reviewer"],
  reportsReasons: ["退件原因", "Rejections by reason"],
  downloadCsv: ["下載 CSV", "Download CSV"],
  series_received: ["收件", "Received"],
  series_approved: ["核准", "Approved"],
  series_rejected: ["退件", "Rejected"],
  series_needs_fix: ["退回補件", "Sent back by checks"],
  // appeals
  appealsTitle: ["等待管理者決定的申訴", "Appeals waiting for an administrator"],
  appealsNone: ["沒有待處理的申訴。", "No appeal is waiting."],
  appealText: ["家屬的申訴", "The family's appeal"],
  appealedPost: ["被退件的聯絡簿", "The rejected post"],
  appealedAt: ["申訴時間", "Appealed"],
  seeAppealed: ["查看被申訴的聯絡簿", "See the post appealed against"],
  uphold: ["維持違規", "Uphold"],
  overrule: ["撤銷違規", "Overrule"],
  appealDecided: ["申訴已決定。", "Appeal decided."],
};

let lang = localStorage.getItem("fb.lang") === "en" ? "en" : "zh";

export function language() {
  return lang;
}

export function setLanguage(value) {
  lang = value === "en" ? "en" : "zh";
  localStorage.setItem("fb.lang", lang);
  document.documentElement.lang = lang === "en" ? "en" : "zh-Hant-TW";
}

/** The word for `key` in the current language, with {name} replaced from `vars`. */
export function t(key, vars = {}) {
  const pair = WORDS[key];
  let text = pair ? pair[lang === "en" ? 1 : 0] : key;
  for (const [name, value] of Object.entries(vars)) text = text.replaceAll(`{${name}}`, String(value));
  return text;
}

/** A word for a code that may be unknown (a new status, field, category): the code itself. */
export function tCode(prefix, code) {
  return WORDS[`${prefix}${code}`] ? t(`${prefix}${code}`) : String(code ?? "—");
}

/** The API's own words: `message` in Chinese, `message_en` in English. */
export function msg(obj, zhKey = "message", enKey = "message_en") {
  if (!obj) return "";
  return lang === "en" ? obj[enKey] || obj[zhKey] || "" : obj[zhKey] || obj[enKey] || "";
}

export function when(iso) {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toLocaleString(lang === "en" ? "en-GB" : "zh-TW", {
    year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
    timeZone: "Asia/Taipei", hour12: false,
  });
}

export function waited(seconds) {
  const m = Math.floor(seconds / 60);
  if (m < 60) return t("minutes", { n: m });
  const hrs = Math.floor(m / 60);
  if (hrs < 48) return t("hours", { n: hrs });
  return t("days", { n: Math.floor(hrs / 24), h: hrs % 24 });
}
