from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestXeroSecurity(TransactionCase):
    """The two Xero groups and who gets them: what an administrator sees in Settings > Users."""

    def test_manager_implies_user(self):
        manager = self.env.ref("xero_connector.group_xero_manager")
        user = self.env.ref("xero_connector.group_xero_user")
        self.assertIn(user, manager.implied_ids)
        someone = new_test_user(self.env, login="xero_mgr", groups="xero_connector.group_xero_manager")
        self.assertTrue(someone.has_group("xero_connector.group_xero_user"))

    def test_accounting_managers_are_xero_managers(self):
        accountant = new_test_user(self.env, login="acc_mgr", groups="account.group_account_manager")
        self.assertTrue(accountant.has_group("xero_connector.group_xero_manager"))
        self.assertTrue(self.env.ref("base.user_admin").has_group("xero_connector.group_xero_manager"))

    def test_plain_invoicing_user_is_not_xero_user(self):
        clerk = new_test_user(self.env, login="clerk", groups="account.group_account_invoice")
        self.assertFalse(clerk.has_group("xero_connector.group_xero_user"))

    def test_menu_visible_to_xero_users_only(self):
        menu = self.env.ref("xero_connector.menu_xero_root")
        settings_menu = self.env.ref("xero_connector.menu_xero_settings")
        self.assertEqual(menu.parent_id, self.env.ref("account.menu_finance_configuration"))
        xero_user = new_test_user(
            self.env, login="xero_usr", groups="account.group_account_invoice,xero_connector.group_xero_user"
        )
        clerk = new_test_user(self.env, login="clerk2", groups="account.group_account_invoice")
        visible_for_user = self.env["ir.ui.menu"].with_user(xero_user)._visible_menu_ids()
        visible_for_clerk = self.env["ir.ui.menu"].with_user(clerk)._visible_menu_ids()
        self.assertNotIn(menu.id, visible_for_clerk)
        # Settings is the manager's; a Xero user sees the Xero menu only once it has entries of
        # theirs, so here we check the manager-only entry is hidden from them.
        self.assertNotIn(settings_menu.id, visible_for_user)
        admin_visible = self.env["ir.ui.menu"].with_user(self.env.ref("base.user_admin"))._visible_menu_ids()
        self.assertIn(settings_menu.id, admin_visible)
        self.assertIn(menu.id, admin_visible)
